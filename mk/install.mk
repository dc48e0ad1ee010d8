# `make install` and `make uninstall` (PREFIX, default /usr/local; DESTDIR for staging), the
# man page they install, and `make deb` (a Debian package of the same files).
# Only these files are written, and uninstall takes away only them (and hoptrace's own
# documentation folder): the binary, hoptrace(8), the bash and zsh completions, README.md
# and docs/*.md.

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/hoptrace
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Where zsh looks: Debian's zsh reads vendor-completions under /usr, and site-functions
# (not vendor-completions) under /usr/local.
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
INSTALL ?= install

MAN_PAGE := $(BUILD)/man/hoptrace.8
# The page names the installed documentation's folder: it is made again when that changes.
MAN_DOCDIR := $(BUILD)/man/docdir

.PHONY: install uninstall man deb FORCE

man: $(MAN_PAGE)

$(MAN_DOCDIR): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(DOCDIR)' | cmp -s - $@ || echo '$(DOCDIR)' > $@

# Generated from the binary's own --help (scripts/gen-man.sh): the page cannot disagree.
$(MAN_PAGE): $(BUILD)/hoptrace packaging/hoptrace.8.in scripts/gen-man.sh VERSION $(MAN_DOCDIR)
	$(call msg,MAN,$@)
	$(Q)scripts/gen-man.sh $(BUILD)/hoptrace packaging/hoptrace.8.in $(VERSION) $(DOCDIR) > $@

install: $(BUILD)/hoptrace $(MAN_PAGE)
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DOCDIR)/docs
	$(Q)$(INSTALL) -m 0755 $(BUILD)/hoptrace $(DESTDIR)$(SBINDIR)/hoptrace
	$(Q)$(INSTALL) -m 0644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man8/hoptrace.8
	$(Q)$(INSTALL) -m 0644 packaging/bash-completion/hoptrace $(DESTDIR)$(BASHCOMPDIR)/hoptrace
	$(Q)$(INSTALL) -m 0644 packaging/zsh/_hoptrace $(DESTDIR)$(ZSHCOMPDIR)/_hoptrace
	$(Q)$(INSTALL) -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(Q)$(INSTALL) -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/docs/

# The shared folders (sbin, man8, the completions') stay; hoptrace's documentation folder goes.
uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/hoptrace $(DESTDIR)$(MANDIR)/man8/hoptrace.8 \
		$(DESTDIR)$(BASHCOMPDIR)/hoptrace $(DESTDIR)$(ZSHCOMPDIR)/_hoptrace \
		$(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/docs/*.md
	$(Q)rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# build/hoptrace_<version>-1_amd64.deb, from `make install` into a staging folder
# (packaging/debian/ and scripts/build-deb.sh say what is added).
DEB_REVISION ?= 1
deb: $(BUILD)/hoptrace $(BUILD)/lazy-libs
	$(Q)MAKE="$(MAKE)" scripts/build-deb.sh $(BUILD) $(VERSION)-$(DEB_REVISION)
