from gxnlp.cli import main

main()
