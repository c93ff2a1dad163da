"""`python -m gxnlp.train`: kept as the documented entry point; the trainer lives in gxnlp.tag.train."""
from gxnlp.tag.train import main

if __name__ == "__main__":
    main()
