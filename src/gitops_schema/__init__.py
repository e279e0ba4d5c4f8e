"""gitops-schema: GitOps configuration as typed, validated data."""

__version__ = "0.1.0"
