"""The application: command line, workflow (split, preprocess, choose, fit, write), model files,
the demo. The only layer that reads files, parses arguments or prints."""
