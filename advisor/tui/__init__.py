"""The Textual TUI of the quizzes. The only package that imports textual; the CLI imports it lazily."""
