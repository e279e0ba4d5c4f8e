"""No false positives: the corpus, the seed and the examples validate as upstream says.

Every ``schema`` error on the corpus is a genuine upstream problem, pinned here: ApplicationSet
design-doc examples older than today's CRD (git generators without ``revision``, templates
without ``project``), documentation snippets with elisions (no ``metadata``, ``template: {}``,
``github: ...``), and a kustomization whose ``patches`` entry is a bare string, which
``kubectl kustomize`` (kustomize v5.5) rejects too ("cannot unmarshal string into Go struct
field Kustomization.patches").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.check.schema import SchemaValidator
from gitops_schema.load import LoadOptions, load_paths
from gitops_schema.model import parse_documents

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DESIGN = "argocd-applicationset-examples/applicationset/examples/design-doc/"
SNIPPETS = "argocd-applicationset-examples/docs-snippets/operator-manual/applicationset/"

UPSTREAM_ERRORS = {
    DESIGN + "applicationset-fasttemplate.yaml": [
        "16:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "applicationset.yaml": [
        "18:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-directory-discovery-fasttemplate.yaml": [
        "31:7 missing required field 'revision' in $.spec.generators[0].git",
        "38:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-directory-discovery.yaml": [
        "33:7 missing required field 'revision' in $.spec.generators[0].git",
        "40:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-files-discovery-fasttemplate.yaml": [
        "42:7 missing required field 'revision' in $.spec.generators[0].git",
        "49:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-files-discovery.yaml": [
        "44:7 missing required field 'revision' in $.spec.generators[0].git",
        "51:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-files-literal-fasttemplate.yaml": [
        "55:7 missing required field 'revision' in $.spec.generators[0].git",
        "62:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "git-files-literal.yaml": [
        "57:7 missing required field 'revision' in $.spec.generators[0].git",
        "64:7 missing required field 'project' in $.spec.template.spec",
    ],
    DESIGN + "proposal/filters.yaml": [
        "29:7 missing required field 'revision' in $.spec.generators[1].git",
        "38:7 missing required field 'project' in $.spec.template.spec",
    ],
    SNIPPETS + "Appset-Any-Namespace-02.yaml": [
        "10:5 $.spec.generators: expected array, found mapping",
        "19:7 missing required field 'destination' in $.spec.template.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-01.yaml": [
        "1:1 missing required field 'metadata' in $",
        "5:3 missing required field 'generators' in $.spec",
        "5:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-02.yaml": [
        "1:1 missing required field 'metadata' in $",
        "5:3 missing required field 'generators' in $.spec",
        "5:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-03.yaml": [
        "1:1 missing required field 'metadata' in $",
        "5:3 missing required field 'generators' in $.spec",
        "5:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-05.yaml": [
        "1:1 missing required field 'metadata' in $",
        "4:3 missing required field 'generators' in $.spec",
        "4:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-06.yaml": [
        "1:1 missing required field 'metadata' in $",
        "4:3 missing required field 'generators' in $.spec",
        "4:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-07.yaml": [
        "1:1 missing required field 'metadata' in $",
        "4:3 missing required field 'generators' in $.spec",
        "8:5 missing required field 'metadata' in $.spec.template",
        "9:7 missing required field 'destination' in $.spec.template.spec",
        "9:7 missing required field 'project' in $.spec.template.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-08.yaml": [
        "1:1 missing required field 'metadata' in $",
        "5:3 missing required field 'generators' in $.spec",
        "5:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Controlling-Resource-Modification-09.yaml": [
        "1:1 missing required field 'metadata' in $",
        "5:3 missing required field 'generators' in $.spec",
        "5:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Generators-Git-08.yaml": [
        "7:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Generators-Matrix-04.yaml": [
        "28:13 missing required field 'metadata' in $.spec.template",
        "28:13 missing required field 'spec' in $.spec.template",
    ],
    SNIPPETS + "Generators-Plugin-02.yaml": [
        "12:23 $.spec.generators[0].matrix.generators[0].pullRequest.github: "
        "expected object, found '...'",
    ],
    SNIPPETS + "Generators-Pull-Request-01.yaml": [
        "6:3 missing required field 'template' in $.spec",
    ],
    SNIPPETS + "Generators-SCM-Provider-01.yaml": [
        "6:3 missing required field 'template' in $.spec",
    ],
    "argocd-example-apps/plugins/kustomized-helm/kustomization.yaml": [
        "7:3 $.patches[0]: expected object, found 'overlays/guestbook-deployment.yaml'",
    ],
}


def _schema_errors(
    root: Path, *, strict: bool = False, exclude: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    loaded = load_paths([root], options=LoadOptions(exclude=exclude))
    validator = SchemaValidator(kubernetes_version="1.37", strict=strict)
    found: dict[str, list[str]] = {}
    for obj in parse_documents(loaded.documents).objects:
        for d in validator.validate(obj):
            if d.rule == "schema":
                where = str(Path(d.location.file).relative_to(root))
                found.setdefault(where, []).append(
                    f"{d.location.line}:{d.location.column} {d.message}"
                )
    for d in validator.validate_chart_values(loaded.documents):
        found.setdefault(str(Path(d.location.file).relative_to(root)), []).append(d.message)
    return found


def test_the_corpus_has_only_its_genuine_upstream_errors() -> None:
    assert _schema_errors(SHARED / "corpus") == UPSTREAM_ERRORS


def test_the_seed_cases_have_no_schema_error() -> None:
    assert _schema_errors(SHARED / "seed-cases") == {}


def test_the_examples_have_no_schema_error_even_in_strict_mode() -> None:
    assert _schema_errors(ROOT / "examples", strict=True, exclude=("seed-as-written",)) == {}


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("version", ["1.25", "1.37"])
def test_every_object_validates_without_crashing(strict: bool, version: str) -> None:
    loaded = load_paths([SHARED / "corpus", SHARED / "seed-cases", ROOT / "examples"])
    validator = SchemaValidator(kubernetes_version=version, strict=strict)
    objects = parse_documents(loaded.documents).objects
    assert all(isinstance(validator.validate(obj), list) for obj in objects)
    assert isinstance(validator.validate_chart_values(loaded.documents), list)
