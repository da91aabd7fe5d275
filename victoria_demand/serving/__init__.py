"""The champion as MLflow serves it: ``mlflow.pyfunc.load_model`` and ``mlflow models serve``."""
