"""The chain report behind ``labelchain report`` (and the demo's): its numbers (:mod:`.data`, :mod:`.tables`),
its charts (:mod:`.charts`, :mod:`.lineage`, :mod:`.style`) and the HTML page (:mod:`.page`)."""
