"""Quizzes: question banks, sessions, scoring, the progress store and the FSRS scheduler. No UI code here."""

MAX_EXAM_MINUTES = 7 * 24 * 60
"""The longest time limit an exam simulation takes: a week. AWS's exams last hours; a figure past any date a
clock can hold (`--minutes 99999999999999999999`) was an internal error instead of a plain refusal. Here, not in
the session module, so the command line's parser can name it without loading the quiz."""
