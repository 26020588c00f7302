"""Quizzes: question banks, sessions, scoring, the progress store and the FSRS scheduler. No UI code here."""
