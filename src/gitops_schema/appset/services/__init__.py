"""The outside services generators read: SCM APIs, recorded SCM listings, plugin services.

Each module implements a protocol of :mod:`gitops_schema.appset.env`; the CLI (or a test)
puts them in the :class:`~gitops_schema.appset.env.Env`, and generators import only the
error class below.
Errors are :class:`~gitops_schema.appset.errors.GeneratorError` with Argo CD's text.
"""

from __future__ import annotations

from gitops_schema.appset.errors import GeneratorError


class RepositoryNotFoundError(GeneratorError):
    """The provider says the repository does not exist (see ``continueOnRepoNotFoundError``)."""
