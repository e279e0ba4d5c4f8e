"""--verify explains a difference only by the stated loss of the field that can cause it."""

from __future__ import annotations

from gitops_schema.compare import ObjectId
from gitops_schema.convert.fidelity import Item, Loss, ObjectRef
from gitops_schema.convert.verify import Difference, _record

DEPLOYMENT = ObjectId("apps", "Deployment", "web", "web")


def _reasons(losses: list[Loss], *found: Difference, label: str = "") -> list[str]:
    item = Item(ObjectRef("Application", "argocd", "web", "apps.yaml", 1), losses=list(losses))
    _record(item, label, list(found))
    return [loss.reason for loss in item.losses if loss.reason.startswith("verify")]


def test_a_label_loss_explains_label_differences_only() -> None:
    labels = Loss("$.spec.source.kustomize.commonLabels", "Flux has no field for commonLabels")
    (label_difference, replica_difference) = _reasons(
        [labels],
        Difference(DEPLOYMENT, fields=("$.metadata.labels.team", "$.spec.selector.matchLabels")),
        Difference(DEPLOYMENT, fields=("$.spec.replicas",)),
    )
    assert label_difference.endswith("(as the loss at $.spec.source.kustomize.commonLabels says)")
    assert replica_difference.endswith("(no stated loss explains it)")


def test_each_difference_names_the_loss_of_its_own_field() -> None:
    losses = [
        Loss("$.spec.source.kustomize.replicas[0]", "not carried over"),
        Loss("$.spec.destination.namespace", "Flux moves every object"),
        Loss("$.spec.syncPolicy.automated", "manual sync"),
    ]
    replicas, moved, interval = _reasons(
        losses,
        Difference(DEPLOYMENT, fields=("$.spec.replicas",)),
        Difference(DEPLOYMENT, side="source"),
        Difference(DEPLOYMENT, fields=("$.spec.template.spec.containers[0].image",)),
    )
    assert "as the loss at $.spec.source.kustomize.replicas[0] says" in replicas
    assert "as the loss at $.spec.destination.namespace says" in moved
    assert "no stated loss explains it" in interval  # a sync policy renders nothing


def test_a_generated_application_is_explained_by_its_own_losses_only() -> None:
    values = Loss(
        "$.spec.template.spec.source.helm.valueFiles[0]", "Application other: not readable"
    )
    (reason,) = _reasons(
        [values], Difference(DEPLOYMENT, fields=("$.data.a",)), label="Application web: "
    )
    assert reason.endswith("(no stated loss explains it)")
