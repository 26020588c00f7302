"""The rules engine: a typed condition language, decisions with hit policies, and an explaining trace."""
