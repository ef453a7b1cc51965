"""Customer-base predictions: BG/NBD repeat orders and P(active), Gamma-Gamma order value, CLV.

Pure numerics (numpy, scipy, pandas); see :func:`predict_customers`.
"""

from segmenter.engine.predict.clv import churn_risk, discounted_value, segment_summary
from segmenter.engine.predict.forecast import PredictionResult, predict_customers

__all__ = ["PredictionResult", "churn_risk", "discounted_value", "predict_customers",
           "segment_summary"]
