"""scikit-learn front-ends: a docstring, parameters, and a few lines that call the layers."""
