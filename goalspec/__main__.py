from goalspec.cli import main

main()
