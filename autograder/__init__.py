"""The course's grader: release assignments, grade submissions safely, write feedback.

Run ``python -m autograder --help`` for the commands. The pieces:

- ``notebooks``: read assignment sources (jupytext py:percent) and submitted notebooks
- ``release``:   generate ``assignments/`` from ``solutions/`` with nbgrader's preprocessors
- ``spec``:      how hidden tests are written (``Call``, ``Case``) and loaded
- ``wire``:      plain-data messages between the judge and the sandboxed runner
- ``runner``:    the child process that executes a student's code, confined by ``sandbox``
- ``judge``:     computes reference outputs and compares them with a student's
- ``grade``:     grades a class in parallel, resumably, and writes CSVs and feedback
- ``kit``:       writes a student kit, "the course up to assignment k", with none of the answers
- ``visible``:   ``check`` as a kit has it: visible tests from a fresh kernel, the notebook's structure
- ``collect``:   gathers submissions (folders, nbgrader's submitted/, Canvas or Moodle zips) and
                 returns feedback folders
"""
