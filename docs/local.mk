# docs/: references (man pages are listed by the fragments of their programs)
EXTRA_DIST += docs/architecture.md docs/formatnetwork.md docs/formatdomain.md \
	docs/agent.conf.md docs/networking.md docs/domains.md
