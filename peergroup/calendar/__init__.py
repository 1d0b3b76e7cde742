"""Meeting dates and calendar files.

Importing this package settles which time-zone database the process uses (see
``tzdb``), so that no zone is made from another one first.
"""

from peergroup.calendar import tzdb

tzdb.configure()
