"""``ridgeway.persist``: saving and loading models (public; the code is in
:mod:`ridgeway.app.persist`, beside the rest of the application layer)."""

from ridgeway.app.persist import FORMAT, FORMAT_VERSION, ModelFileError, load_model, save_model

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "load_model", "save_model"]
