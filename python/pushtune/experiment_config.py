"""The experiment config as a trial sees it: a plain dict with the master's
normalised fields (PUSHTUNE_EXPERIMENT_CONFIG). Off the master (dry runs,
``FakeMaster``) it is the defaults below with a few overrides; a test holds
these defaults equal to the master parser's."""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, Mapping, Optional

ExperimentConfig = Dict[str, Any]

#: What the master's config parser makes of the smallest config: one `single`
#: search of 100 batches.
LOCAL_DEFAULTS: ExperimentConfig = {
    "name": "local",
    "description": "",
    "entrypoint": "node train.js",
    "hyperparameters": {},
    "searcher": {
        "name": "single",
        "metric": "validation_loss",
        "smaller_is_better": True,
        "max_length": {"unit": "batches", "value": 100},
    },
    "records_per_epoch": None,
    "global_batch_size": None,
    "min_validation_period": None,
    "min_checkpoint_period": None,
    "scheduling_unit": 100,
    "max_restarts": 5,
    "max_initial_failures": 3,
    "preemption_timeout": 300,
    "checkpoint_policy": "best",
    "checkpoint_storage": {
        "type": "shared_fs",
        "host_path": None,
        "save_experiment_best": 0,
        "save_trial_best": 1,
        "save_trial_latest": 1,
    },
    "resources": {"slots_per_trial": 1, "priority": 50, "weight": 1},
    "reproducibility": {"experiment_seed": 0},
    "environment": {"variables": {}},
}


def local_experiment_config(overrides: Optional[Mapping[str, Any]] = None) -> ExperimentConfig:
    """The defaults with ``overrides`` on top; ``searcher`` is merged field by field.
    Lengths may be written as in YAML (``{"batches": 25}``) or as the master
    normalises them (``{"unit": "batches", "value": 25}``)."""
    config = copy.deepcopy(LOCAL_DEFAULTS)
    for key, value in (overrides or {}).items():
        if key == "searcher":
            config["searcher"].update(copy.deepcopy(dict(value)))
        else:
            config[key] = copy.deepcopy(value)
    searcher = config["searcher"]
    searcher["max_length"] = normalise_length(searcher["max_length"], "searcher.max_length")
    for field in ("min_validation_period", "min_checkpoint_period"):
        if config[field] is not None:
            config[field] = normalise_length(config[field], field)
    return config


_UNITS = ("batches", "records", "epochs", "unitless")


def normalise_length(length: Any, field: str) -> Dict[str, Any]:
    if isinstance(length, Mapping):
        if set(length) == {"unit", "value"} and length["unit"] in _UNITS:
            return {"unit": length["unit"], "value": length["value"]}
        if len(length) == 1:
            ((unit, value),) = length.items()
            if unit in _UNITS:
                return {"unit": unit, "value": value}
    raise ValueError(f"{field}: expected a length such as {{'batches': 100}}, got {length!r}")


def read_experiment_config(text: str) -> ExperimentConfig:
    """Reads PUSHTUNE_EXPERIMENT_CONFIG (the normalised config, as JSON)."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(value, dict) or not isinstance(value.get("searcher"), dict):
        raise ValueError("not a normalised experiment config (no searcher)")
    return value
