# nbgrader's configuration for this course folder. `python -m autograder release` and
# `python -m autograder grade` are the course's own commands; with this file, plain nbgrader
# commands (formgrader, `nbgrader db`, `nbgrader export`, ...) also work here.
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "dl-from-scratch"
# the instructor's sources (reference solutions); `python -m autograder release` writes the
# .ipynb beside each py:percent source
c.CourseDirectory.source_directory = "solutions"
# the student notebooks, generated and committed
c.CourseDirectory.release_directory = "assignments"
# python files in solutions/ (sources, hidden tests, wrong versions) never reach students
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
