"""``python -m qualcode`` runs the same CLI as the ``qualcode`` console script."""

from qualcode.cli import main

if __name__ == "__main__":
    main()
