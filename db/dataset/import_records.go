package dataset

import (
	"cmp"
	"fmt"
	"slices"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// The records of each section.

// country checks a country of the file: the countries are preloaded, so a record of the
// file only names one, once.
func (im *importer) country(r rec, in *model.DatasetCountry) error {
	if in.Code == "" {
		return r.errorf(model.EINVALID, "code", "is required")
	}
	code, err := im.code(r, "code", in.Code)
	if err != nil {
		return err
	}
	r.name = *code
	if first, dup := im.inFile[r.section][*code]; dup {
		return r.errorf(model.ECONFLICT, "code", "is in the file twice (also at %s[%d])", r.section, first)
	}
	im.inFile[r.section][*code] = r.index
	return r.wrap("", model.RequireText("name", in.Name, model.MaxNameLength))
}

// topic imports a topic.
func (im *importer) topic(r rec, in *model.DatasetTopic) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Topic](im, "topics", in.Slug)
	if err != nil {
		return err
	}
	before := *x
	x.Slug, x.Name, x.Description = in.Slug, in.Name, in.Description
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveTopic)
	if err != nil {
		return r.wrap("", err)
	}
	im.ids["topics"][x.Slug] = x.ID
	im.stats.Topics.add(existed, changed)
	return nil
}

// source imports a source, matched to one of the database by what it is (title,
// publisher, URL, date): its key is the file's own.
func (im *importer) source(r rec, in *model.DatasetSource) error {
	if err := im.claim(&r, "key", in.Key); err != nil {
		return err
	}
	published, err := im.date(r, "publishedOn", in.PublishedOn)
	if err != nil {
		return err
	}
	if im.sourceIDs == nil {
		if err := im.loadSources(); err != nil {
			return err
		}
	}
	x, existed := &model.Source{}, false
	identity := sourceIdentity(in.Title, in.Publisher, in.URL, published)
	if ids := im.sourceIDs[identity]; len(ids) > 0 {
		im.sourceIDs[identity] = ids[1:]
		if err := im.gdb.Take(x, ids[0]).Error; err != nil {
			return fmt.Errorf("read source: %w", err)
		}
		existed = true
	}
	before := *x
	x.Title, x.Publisher, x.URL, x.PublishedOn, x.Language, x.Excerpt = in.Title, in.Publisher, in.URL, published, in.Language, in.Excerpt
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveSource)
	if err != nil {
		return r.wrap("", err)
	}
	im.sources[in.Key] = x.ID
	im.touch(db.Subject{Type: model.TypeSource, ID: x.ID})
	im.stats.Sources.add(existed, changed)
	return nil
}

// loadSources reads the identities of the database's sources, which the sources of the
// file are matched against, the oldest first.
func (im *importer) loadSources() error {
	var rows []*model.Source
	if err := im.gdb.Select("id", "title", "publisher", "url", "published_on").Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	im.sourceIDs = make(map[string][]int64, len(rows))
	for _, src := range rows {
		k := sourceIdentity(src.Title, src.Publisher, src.URL, src.PublishedOn)
		im.sourceIDs[k] = append(im.sourceIDs[k], src.ID)
	}
	return nil
}

// platform imports a platform: its columns, its members and its citations.
func (im *importer) platform(r rec, in *model.DatasetPlatform) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Platform](im, "platforms", in.Slug)
	if err != nil {
		return err
	}
	before := *x
	x.Slug, x.Name, x.FullName, x.Description, x.Kind, x.Website = in.Slug, in.Name, in.FullName, in.Description, in.Kind, in.Website
	if x.Founded, err = im.date(r, "founded", in.Founded); err != nil {
		return err
	}
	if x.Dissolved, err = im.date(r, "dissolved", in.Dissolved); err != nil {
		return err
	}
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SavePlatform)
	if err != nil {
		return r.wrap("", err)
	}
	im.ids["platforms"][x.Slug] = x.ID
	members, err := im.members(r, x.ID, in.Members)
	if err != nil {
		return err
	}
	membersChanged, err := im.replaceMembers(r, x.ID, existed, members)
	if err != nil {
		return err
	}
	cited, err := im.citations(r, model.TypePlatform, x.ID, existed, in.Sources)
	if err != nil {
		return err
	}
	im.touch(db.Subject{Type: model.TypePlatform, ID: x.ID})
	im.stats.Platforms.add(existed, changed || membersChanged || cited)
	return nil
}

// members reads the members of the platform id from the file's record.
func (im *importer) members(r rec, id int64, list []model.DatasetMember) ([]*model.PlatformMember, error) {
	members := make([]*model.PlatformMember, len(list))
	for j, m := range list {
		f := fmt.Sprintf("members[%d]", j)
		if m.Country == "" {
			return nil, r.errorf(model.EINVALID, f+".country", "is required")
		}
		member := &model.PlatformMember{PlatformID: id, Role: cmp.Or(m.Role, model.MembershipRoleMember)}
		code, err := im.code(r, f+".country", m.Country)
		if err != nil {
			return nil, err
		}
		member.CountryCode = *code
		if member.Since, err = im.date(r, f+".since", m.Since); err != nil {
			return nil, err
		}
		if member.Until, err = im.date(r, f+".until", m.Until); err != nil {
			return nil, err
		}
		members[j] = member
	}
	return members, nil
}

// replaceMembers makes members the members of the platform id, and reports whether they
// differ from those it had. The members are kept as they are when the file has them
// unchanged; otherwise they are written anew.
func (im *importer) replaceMembers(r rec, id int64, existed bool, members []*model.PlatformMember) (bool, error) {
	if existed {
		var old []*model.PlatformMember
		if err := im.gdb.Where("platform_id = ?", id).Find(&old).Error; err != nil {
			return false, fmt.Errorf("read members: %w", err)
		}
		if sameBag(memberKeys(old), memberKeys(members)) {
			return false, nil
		}
		if err := im.gdb.Where("platform_id = ?", id).Delete(&model.PlatformMember{}).Error; err != nil {
			return false, fmt.Errorf("replace members: %w", err)
		}
	}
	for j, member := range members {
		if err := im.tx.AddMember(im.ctx, member); err != nil {
			return false, r.wrap(fmt.Sprintf("members[%d]", j), err)
		}
	}
	return true, nil
}

type memberKey struct {
	country      string
	role         model.MembershipRole
	since, until int64
}

func memberKeys(list []*model.PlatformMember) []memberKey {
	out := make([]memberKey, len(list))
	for i, m := range list {
		out[i] = memberKey{m.CountryCode, m.Role, dateKey(m.Since), dateKey(m.Until)}
	}
	return out
}

// official imports an official: its columns and its positions.
func (im *importer) official(r rec, in *model.DatasetOfficial) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Official](im, "officials", in.Slug)
	if err != nil {
		return err
	}
	before := *x
	x.Slug, x.Name, x.OtherNames = in.Slug, in.Name, in.OtherNames
	if x.CountryCode, err = im.code(r, "country", in.Country); err != nil {
		return err
	}
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveOfficial)
	if err != nil {
		return r.wrap("", err)
	}
	im.ids["officials"][x.Slug] = x.ID
	// Positions the database has already are kept, so their timeline entries keep their
	// IDs; the others are added, and those no longer in the file removed.
	var old []*model.Position
	if existed {
		if err := im.gdb.Where("official_id = ?", x.ID).Order("id").Find(&old).Error; err != nil {
			return fmt.Errorf("read positions: %w", err)
		}
	}
	for j, p := range in.Positions {
		f := fmt.Sprintf("positions[%d]", j)
		pos := &model.Position{OfficialID: x.ID, Title: p.Title, Organization: p.Organization}
		if pos.CountryCode, err = im.code(r, f+".country", p.Country); err != nil {
			return err
		}
		if pos.Start, err = im.date(r, f+".start", p.Start); err != nil {
			return err
		}
		if pos.End, err = im.date(r, f+".end", p.End); err != nil {
			return err
		}
		if k := slices.IndexFunc(old, func(o *model.Position) bool { return samePosition(o, pos) }); k >= 0 {
			old = slices.Delete(old, k, k+1)
			continue
		}
		changed = true
		if err := im.tx.AddPosition(im.ctx, pos); err != nil {
			return r.wrap(f, err)
		}
	}
	for _, o := range old {
		changed = true
		if err := im.gdb.Delete(o).Error; err != nil {
			return fmt.Errorf("remove position: %w", err)
		}
	}
	im.touch(db.Subject{Type: model.TypeOfficial, ID: x.ID})
	if existed {
		im.updatedOfficials = append(im.updatedOfficials, x.ID)
	}
	im.stats.Officials.add(existed, changed)
	return nil
}

func samePosition(a, b *model.Position) bool {
	return a.Title == b.Title && sameOpt(a.Organization, b.Organization) && sameOpt(a.CountryCode, b.CountryCode) &&
		sameOpt(a.Start, b.Start) && sameOpt(a.End, b.End)
}

func sameOpt[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// session imports a session: its columns, its links, its participants and its citations.
func (im *importer) session(r rec, in *model.DatasetSession) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Session](im, "sessions", in.Slug)
	if err != nil {
		return err
	}
	before := *x
	later, err := im.sessionColumns(r, in, x)
	if err != nil {
		return err
	}
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveSession)
	if err != nil {
		return r.wrap("", err)
	}
	changed = changed || later
	im.ids["sessions"][x.Slug] = x.ID
	if in.Parent != "" {
		im.parents = append(im.parents, pendingParent{rec: r, id: x.ID, parent: in.Parent, later: later})
	}
	linksChanged, err := im.sessionLinks(r, in, x.ID, existed && !changed)
	if err != nil {
		return err
	}
	parts, err := im.participants(r, x.ID, in.Participants)
	if err != nil {
		return err
	}
	partsChanged, err := im.replaceParticipants(r, x.ID, existed, parts)
	if err != nil {
		return err
	}
	cited, err := im.citations(r, model.TypeSession, x.ID, existed, in.Sources)
	if err != nil {
		return err
	}
	im.touch(db.Subject{Type: model.TypeSession, ID: x.ID})
	if existed {
		im.updatedSessions = append(im.updatedSessions, x.ID)
	}
	im.stats.Sessions.add(existed, changed || linksChanged || partsChanged || cited)
	return nil
}

// sessionColumns sets the columns of the session x from the file's record. The parent may
// come later in the file: then it is left unset, to be set, and checked, after the last
// session (resolveParents), and later is true.
func (im *importer) sessionColumns(r rec, in *model.DatasetSession, x *model.Session) (later bool, err error) {
	x.Slug, x.Title, x.Kind, x.Summary = in.Slug, in.Title, in.Kind, in.Summary
	if x.PlatformID, err = im.ref(r, "platform", "platforms", "platform", in.Platform); err != nil {
		return false, err
	}
	x.ParentID = nil
	if in.Parent != "" {
		if in.Parent == in.Slug {
			return false, r.errorf(model.EINVALID, "parent", "a session cannot be its own parent")
		}
		if id, ok := im.ids["sessions"][in.Parent]; ok {
			x.ParentID = &id
		} else {
			later = true
		}
	}
	if x.Start, err = im.requiredDate(r, "start", in.Start); err != nil {
		return false, err
	}
	if x.End, err = im.date(r, "end", in.End); err != nil {
		return false, err
	}
	if x.Location, err = im.location(r, "location", in.Location); err != nil {
		return false, err
	}
	if x.HostCountryCode, err = im.code(r, "hostCountry", in.HostCountry); err != nil {
		return false, err
	}
	return later, nil
}

// sessionLinks sets the subject countries and topics of the session id to the file's.
// With compare (a session the database had, whose columns the file leaves as they are),
// it reports whether they differ from those it had; else it reports false.
func (im *importer) sessionLinks(r rec, in *model.DatasetSession, id int64, compare bool) (bool, error) {
	codes := make([]string, 0, len(in.SubjectCountries))
	for j, c := range in.SubjectCountries {
		f := fmt.Sprintf("subjectCountries[%d]", j)
		code, err := im.code(r, f, c)
		if err != nil {
			return false, err
		}
		if code == nil {
			return false, r.errorf(model.EINVALID, f, "is empty")
		}
		if slices.Contains(codes, *code) {
			return false, r.errorf(model.EINVALID, f, "%s is listed twice", *code)
		}
		codes = append(codes, *code)
	}
	topics, err := im.refList(r, "topics", "topics", "topic", in.Topics)
	if err != nil {
		return false, err
	}
	changed := false
	if compare {
		sameCodes, err := sameLinks(im, "session_subject_countries", "session_id", "country_code", id, codes)
		if err != nil {
			return false, err
		}
		sameTopics, err := sameLinks(im, "session_topics", "session_id", "topic_id", id, topics)
		if err != nil {
			return false, err
		}
		changed = !sameCodes || !sameTopics
	}
	return changed, im.tx.SetSessionLinks(im.ctx, id, codes, topics)
}

// participants reads the participants of the session id from the file's record: each
// official once, representing the country given.
func (im *importer) participants(r rec, id int64, list []model.DatasetParticipant) ([]*model.Participant, error) {
	parts := make([]*model.Participant, 0, len(list))
	officials := make([]int64, 0, len(list))
	for j, p := range list {
		f := fmt.Sprintf("participants[%d]", j)
		if p.Official == "" {
			return nil, r.errorf(model.EINVALID, f+".official", "is required")
		}
		oid, err := im.ref(r, f+".official", "officials", "official", p.Official)
		if err != nil {
			return nil, err
		}
		if k := slices.Index(officials, *oid); k >= 0 {
			return nil, r.errorf(model.EINVALID, f+".official", "%q takes part twice (also at participants[%d])", p.Official, k)
		}
		officials = append(officials, *oid)
		part := &model.Participant{SessionID: id, OfficialID: *oid, Role: p.Role}
		if part.CountryCode, err = im.code(r, f+".country", p.Country); err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	return parts, nil
}

// replaceParticipants makes parts the participants of the session id, and reports
// whether they differ from those it had. Of a session the database had, the participants
// still in the file are updated in place, so they keep their keys, and the others
// removed; a new session's are added in one insert.
func (im *importer) replaceParticipants(r rec, id int64, existed bool, parts []*model.Participant) (bool, error) {
	if !existed {
		if len(parts) == 0 {
			return false, nil
		}
		// Checked as addParticipant checks them.
		for j, p := range parts {
			if err := p.Validate(); err != nil {
				return false, r.wrap(fmt.Sprintf("participants[%d]", j), err)
			}
		}
		if err := im.gdb.Create(parts).Error; err != nil {
			return false, fmt.Errorf("add participants: %w", err)
		}
		return false, nil
	}
	var old []*model.Participant
	if err := im.gdb.Where("session_id = ?", id).Find(&old).Error; err != nil {
		return false, fmt.Errorf("read participants: %w", err)
	}
	changed := !sameBag(participantKeys(old), participantKeys(parts))
	q := im.gdb.Where("session_id = ?", id)
	if len(parts) > 0 {
		officials := make([]int64, len(parts))
		for j, p := range parts {
			officials[j] = p.OfficialID
		}
		q = q.Where("official_id NOT IN ?", officials)
	}
	if err := q.Delete(&model.Participant{}).Error; err != nil {
		return false, fmt.Errorf("replace participants: %w", err)
	}
	for j, p := range parts {
		if err := im.tx.AddParticipant(im.ctx, p); err != nil {
			return false, r.wrap(fmt.Sprintf("participants[%d]", j), err)
		}
	}
	return changed, nil
}

type participantKey struct {
	official       int64
	role, country  string
	noRole, noCode bool
}

func participantKeys(list []*model.Participant) []participantKey {
	out := make([]participantKey, len(list))
	for i, p := range list {
		out[i] = participantKey{p.OfficialID, deref(p.Role), deref(p.CountryCode), p.Role == nil, p.CountryCode == nil}
	}
	return out
}

// initiative imports an initiative: its columns, its status history, its links and its
// citations.
func (im *importer) initiative(r rec, in *model.DatasetInitiative) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Initiative](im, "initiatives", in.Slug)
	if err != nil {
		return err
	}
	before := *x
	if err := im.initiativeColumns(r, in, x); err != nil {
		return err
	}
	history, err := im.statusHistory(r, in.StatusHistory)
	if err != nil {
		return err
	}
	if x.Status, err = currentStatus(r, in.Status, history); err != nil {
		return err
	}
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveInitiative)
	if err != nil {
		return r.wrap("", err)
	}
	im.ids["initiatives"][x.Slug] = x.ID
	historyChanged, err := im.replaceHistory(r, x, existed, history)
	if err != nil {
		return err
	}
	changed = changed || historyChanged
	linksChanged, err := im.initiativeLinks(r, in, x.ID, existed && !changed)
	if err != nil {
		return err
	}
	cited, err := im.citations(r, model.TypeInitiative, x.ID, existed, in.Sources)
	if err != nil {
		return err
	}
	im.touch(db.Subject{Type: model.TypeInitiative, ID: x.ID})
	im.stats.Initiatives.add(existed, changed || linksChanged || cited)
	return nil
}

// initiativeColumns sets the columns of the initiative x from the file's record, but for
// its status, which follows its history.
func (im *importer) initiativeColumns(r rec, in *model.DatasetInitiative, x *model.Initiative) (err error) {
	x.Slug, x.Title, x.Description = in.Slug, in.Title, in.Description
	if x.ProposedOn, err = im.date(r, "proposedOn", in.ProposedOn); err != nil {
		return err
	}
	if x.ProposedByID, err = im.ref(r, "proposedBy", "officials", "official", in.ProposedBy); err != nil {
		return err
	}
	if x.CountryCode, err = im.code(r, "country", in.Country); err != nil {
		return err
	}
	if x.Location, err = im.location(r, "location", in.Location); err != nil {
		return err
	}
	x.PlatformID, err = im.ref(r, "platform", "platforms", "platform", in.Platform)
	return err
}

// historyChange is a change of an initiative's status history, with its index in the
// file, which errors name.
type historyChange struct {
	model.InitiativeStatusChange
	index int
}

// statusHistory reads and checks the status history of the file's record, oldest first:
// by date, and in the file's order on the same date.
func (im *importer) statusHistory(r rec, list []model.DatasetStatusChange) ([]historyChange, error) {
	history := make([]historyChange, 0, len(list))
	for j, c := range list {
		f := fmt.Sprintf("statusHistory[%d]", j)
		ch := historyChange{InitiativeStatusChange: model.InitiativeStatusChange{Status: c.Status, Note: c.Note}, index: j}
		if !c.Status.IsValid() {
			return nil, r.errorf(model.EINVALID, f+".status", "%q is not a valid InitiativeStatus", truncate(string(c.Status), 40))
		}
		var err error
		if ch.On, err = im.requiredDate(r, f+".on", c.On); err != nil {
			return nil, err
		}
		if err := ch.Validate(); err != nil {
			return nil, r.wrap(f, err)
		}
		history = append(history, ch)
	}
	slices.SortStableFunc(history, func(a, b historyChange) int { return a.On.Compare(b.On) })
	return history, nil
}

// currentStatus is the status of an initiative: that of the latest change of its history,
// which the record's status, if given, must agree with; without a history, the record's,
// PROPOSED by default.
func currentStatus(r rec, status model.InitiativeStatus, history []historyChange) (model.InitiativeStatus, error) {
	n := len(history)
	if n == 0 {
		return cmp.Or(status, model.InitiativeStatusProposed), nil
	}
	latest := history[n-1]
	if status != "" && status != latest.Status {
		return "", r.errorf(model.EINVALID, "status", "is %s, but the latest change of statusHistory (statusHistory[%d], %s) is to %s",
			truncate(string(status), 40), latest.index, latest.On, latest.Status)
	}
	return latest.Status, nil
}

// replaceHistory makes history the status history of the initiative x, and reports
// whether it differs from the one it had. A history the file has unchanged is kept as it
// is, so that its timeline entries keep their IDs; otherwise it is written anew.
func (im *importer) replaceHistory(r rec, x *model.Initiative, existed bool, history []historyChange) (bool, error) {
	var old []*model.InitiativeStatusChange
	if existed {
		if err := im.gdb.Where("initiative_id = ?", x.ID).Order("changed_on, id").Find(&old).Error; err != nil {
			return false, fmt.Errorf("read status history: %w", err)
		}
	}
	same := len(old) == len(history)
	for j := 0; same && j < len(old); j++ {
		same = old[j].Status == history[j].Status && old[j].On == history[j].On && sameOpt(old[j].Note, history[j].Note)
	}
	if same {
		return false, nil
	}
	if len(old) > 0 {
		if err := im.gdb.Where("initiative_id = ?", x.ID).Delete(&model.InitiativeStatusChange{}).Error; err != nil {
			return false, fmt.Errorf("replace status history: %w", err)
		}
	}
	for _, c := range history {
		c.InitiativeID = x.ID
		if err := im.tx.SetStatus(im.ctx, x, &c.InitiativeStatusChange); err != nil {
			return false, r.wrap(fmt.Sprintf("statusHistory[%d]", c.index), err)
		}
	}
	return true, nil
}

// initiativeLinks sets the sessions and topics of the initiative id to the file's. With
// compare (an initiative the database had, which the file leaves as it was so far), it
// reports whether they differ from those it had; else it reports false.
func (im *importer) initiativeLinks(r rec, in *model.DatasetInitiative, id int64, compare bool) (bool, error) {
	sessions, err := im.refList(r, "sessions", "sessions", "session", in.Sessions)
	if err != nil {
		return false, err
	}
	topics, err := im.refList(r, "topics", "topics", "topic", in.Topics)
	if err != nil {
		return false, err
	}
	changed := false
	if compare {
		sameSessions, err := sameLinks(im, "initiative_sessions", "initiative_id", "session_id", id, sessions)
		if err != nil {
			return false, err
		}
		sameTopics, err := sameLinks(im, "initiative_topics", "initiative_id", "topic_id", id, topics)
		if err != nil {
			return false, err
		}
		changed = !sameSessions || !sameTopics
	}
	return changed, im.tx.SetInitiativeLinks(im.ctx, id, sessions, topics)
}

// statement imports a statement, matched to one of the database by its official, date
// and index among the statements of that official on that date.
func (im *importer) statement(r rec, in *model.DatasetStatement) error {
	if in.Official == "" {
		return r.errorf(model.EINVALID, "official", "is required")
	}
	r.name = in.Key()
	official, err := im.ref(r, "official", "officials", "official", in.Official)
	if err != nil {
		return err
	}
	date, err := im.requiredDate(r, "date", in.Date)
	if err != nil {
		return err
	}
	g := stmtGroup{*official, date.Key()}
	seen := im.stmtSeen[g]
	switch {
	case in.Index < 1:
		return r.errorf(model.EINVALID, "index", "must be 1 or more")
	case in.Index <= seen:
		return r.errorf(model.ECONFLICT, "index", "is in the file twice (also at statements[%d])", im.inFile[r.section][r.name])
	case in.Index > seen+1:
		return r.errorf(model.EINVALID, "index", "expected %d: the statements of an official on a date are numbered 1, 2, 3, … in the order they come in the file", seen+1)
	}
	im.stmtSeen[g] = in.Index
	im.inFile[r.section][r.name] = r.index

	x, existed := &model.Statement{}, false
	if ids := im.statements[g]; in.Index <= len(ids) {
		if err := im.gdb.Take(x, ids[in.Index-1]).Error; err != nil {
			return fmt.Errorf("read statement: %w", err)
		}
		existed = true
	}
	before := *x
	x.OfficialID, x.Date, x.Text = *official, date, in.Text
	if x.SessionID, err = im.ref(r, "session", "sessions", "session", in.Session); err != nil {
		return err
	}
	changed, err := saveChanged(im, existed, before, x, (*db.Tx).SaveStatement)
	if err != nil {
		return r.wrap("", err)
	}
	cited, err := im.citations(r, model.TypeStatement, x.ID, existed, in.Sources)
	if err != nil {
		return err
	}
	im.touch(db.Subject{Type: model.TypeStatement, ID: x.ID})
	im.stats.Statements.add(existed, changed || cited)
	return nil
}
