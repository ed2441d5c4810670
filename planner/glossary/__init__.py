"""The glossary: every technical term the planner uses, in plain words, on one page that each
page links to where the term appears."""
