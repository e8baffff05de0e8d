"""octodns-sync, with octodns-opusdns pointed at the local server.

The provider has no setting for its base URL; this sets the class constant it reads and then
runs the stock command, so the provider's own code does everything else.
"""
import os
import sys

import octodns_opusdns
from octodns.cmds.sync import main

octodns_opusdns.OpusDNSClient.API_PRODUCTION_URL = os.environ['OPUSDNS_API_URL']
sys.exit(main())
