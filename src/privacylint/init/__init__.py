"""`privacylint init`: a first rules.yaml drafted from a build. command.py is its command line;
clues.py reads what the build says about itself (its URL, statement page and contact); draft.py
lints the build with an empty policy and writes what it found as rules.yaml, with the evidence
in comments (and `--diff` against an existing file)."""
