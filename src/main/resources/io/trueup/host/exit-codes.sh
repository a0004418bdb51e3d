# The exit codes of host commands that trueup tells apart from a step's own failure. trueup reads
# them from this file (host/HostCommands), and sends it first in every command that runs steps, so
# each is defined here only.
EX_LOCKED=75       # the base directory is locked by another controller: try later (EX_TEMPFAIL)
EX_NOT_AS_SEEN=76  # verify: the host is not as the inspection the plan was made from saw it
EX_NO_WORD=77      # confirm: no word from trueup to switch; stopped before the switch
EX_NOT_OURS=78     # the base directory is not empty and trueup did not make it: nothing was done there
