package model

// IsTimelineSubject marks the records a timeline entry can come from.
func (Platform) IsTimelineSubject()   {}
func (Session) IsTimelineSubject()    {}
func (Initiative) IsTimelineSubject() {}
func (Official) IsTimelineSubject()   {}
func (Statement) IsTimelineSubject()  {}

// IsSearchResult marks the records full-text search can find.
func (Platform) IsSearchResult()   {}
func (Session) IsSearchResult()    {}
func (Official) IsSearchResult()   {}
func (Initiative) IsSearchResult() {}
func (Statement) IsSearchResult()  {}
func (Source) IsSearchResult()     {}
