"""Clean step: a read :class:`~segmenter.engine.reader.Table` -> the numeric matrix to cluster.

Small named steps, in the manner of skrub (:mod:`.base` has the protocol): each
changes the data in one way and logs every change (step, column, sheet row, old ->
new, reason) so the Cleaning Log sheet can account for it. The order is the one list
:data:`~.prepare.STEPS`: duplicate rows, duplicate IDs, unparseable cells, useless
columns, empty rows, missing values, outliers, log transform, scaling, categories.

Each step that learns something from the data (fill values, fences, scaler, levels)
stores it in plain JSON-ready ``params`` so :func:`transform_new` can put new
customers into the same feature space (=SEGMENT_ASSIGN, month-over-month tracking).

Log volume: when a step changes more than :data:`LOG_CELL_LIMIT` cells of one column,
the first ones are listed and a single summary entry gives the total. Excluded rows
are ALWAYS listed one by one.
"""

from segmenter.engine.cleaning.base import (
    LOG_CELL_LIMIT,
    SAFE_MAGNITUDE,
    Changes,
    State,
    Step,
    n_distinct_upto,
    py_value,
)
from segmenter.engine.cleaning.categories import CATEGORY_DISTANCE
from segmenter.engine.cleaning.logtransform import SKEW_THRESHOLD
from segmenter.engine.cleaning.missing import KNN_FIT_MAX, KNN_NEIGHBORS
from segmenter.engine.cleaning.prepare import (
    PARAMS_VERSION,
    STEP_DESCRIPTIONS,
    STEPS,
    Prepared,
    prepare,
    transform_new,
)
from segmenter.engine.cleaning.scaling import fit_scaling

__all__ = [
    "CATEGORY_DISTANCE", "KNN_FIT_MAX", "KNN_NEIGHBORS", "LOG_CELL_LIMIT", "PARAMS_VERSION",
    "SAFE_MAGNITUDE", "SKEW_THRESHOLD", "STEPS", "STEP_DESCRIPTIONS", "Changes", "Prepared", "State",
    "Step", "fit_scaling", "n_distinct_upto", "prepare", "py_value", "transform_new",
]
