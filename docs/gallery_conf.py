"""mkdocs-gallery settings that the YAML cannot hold: every example runs with warnings as
errors (``python -W error``), after matplotlib's state is reset."""

import warnings


def warnings_are_errors(gallery_conf, fname):
    warnings.resetwarnings()
    warnings.simplefilter("error")


conf = {"reset_modules": ("matplotlib", warnings_are_errors)}
