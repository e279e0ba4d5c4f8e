"""Go's semantics, once, for every stage that needs them.

Argo CD, Flux, kustomize and Helm are Go programs: what their users write is read with
Go's ``path.Match``, doublestar and gobwas globs, RE2 regular expressions, Masterminds
semver constraints, ``time.ParseDuration`` and ``os.Expand``. Each has one module here,
below every stage; none imports anything of ours.
"""
