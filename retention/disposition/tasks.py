"""The destruction job. It reads the proposal's (and its case's) state when it runs."""

from django_tasks import task

from retention.disposition import services


@task()
def execute_proposal(proposal_id: int) -> str:
    return services.execute(proposal_id).state
