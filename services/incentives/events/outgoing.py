"""The incentives service's integration events are built in service/standings.py (measure changes) and
service/partner.py (feedback); their data models are in shared/contracts/incentives.py."""

from shared.contracts.incentives import MeasureChangedV1, MeasureFeedbackReceivedV1

__all__ = ["MeasureChangedV1", "MeasureFeedbackReceivedV1"]
