package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// citingColumns maps the node types that can cite sources to their citations column.
var citingColumns = map[string]string{
	model.TypePlatform:   "platform_id",
	model.TypeSession:    "session_id",
	model.TypeInitiative: "initiative_id",
	model.TypeStatement:  "statement_id",
}

// CitationsBy returns the citations of each record of the citing type typ, oldest first.
func (s *Store) CitationsBy(ctx context.Context, typ string, ids []int64) (map[int64][]*model.Citation, error) {
	col, ok := citingColumns[typ]
	if !ok {
		return nil, fmt.Errorf("citations: %s cannot cite sources", typ)
	}
	rows, err := whereIn[model.Citation](ctx, s.gdb, col, ids, "id")
	return GroupBy(rows, func(c *model.Citation) int64 {
		switch typ {
		case model.TypePlatform:
			return *c.PlatformID
		case model.TypeSession:
			return *c.SessionID
		case model.TypeInitiative:
			return *c.InitiativeID
		}
		return *c.StatementID
	}), err
}

// deleteCiting deletes the record of a citing type with the key id, and updates the
// sources it cited: their search documents hold the excerpts of their citations, which the
// delete cascades away. also names more records whose derived data the delete changes.
func deleteCiting(ctx context.Context, tx *gorm.DB, typ string, id int64, also ...subject) error {
	var sources []int64
	if err := tx.WithContext(ctx).Model(&model.Citation{}).Where(citingColumns[typ]+" = ?", id).Pluck("source_id", &sources).Error; err != nil {
		return fmt.Errorf("delete %s: %w", typ, err)
	}
	if err := remove(ctx, tx, typ, id); err != nil {
		return err
	}
	affected := append(also, subject{typ, id})
	for _, src := range sources {
		affected = append(affected, subject{model.TypeSource, src})
	}
	return touch(ctx, tx, affected...)
}

// CiteSource records that the subject, the subjectType record with the key subjectID (a
// platform, session, initiative or statement), cites the source; citing again updates
// the excerpt.
func (s *Store) CiteSource(ctx context.Context, subjectType string, subjectID, sourceID int64, excerpt *string) (*model.Source, error) {
	if _, ok := citingColumns[subjectType]; !ok {
		return nil, model.FieldErrorf("subject", "a %s cannot cite sources; cite from a Platform, Session, Initiative or Statement", subjectType)
	}
	var src *model.Source
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := ref(ctx, tx, "subject", subjectType, subjectID); err != nil {
			return err
		}
		var err error
		if src, err = load[model.Source](ctx, tx, "source", model.TypeSource, sourceID); err != nil {
			return err
		}
		if err := cite(ctx, tx, subjectType, subjectID, src.ID, excerpt); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeSource, src.ID})
	})
	return src, err
}

func cite(ctx context.Context, tx *gorm.DB, typ string, subject, source int64, excerpt *string) error {
	if err := model.OptionalText("excerpt", excerpt, model.MaxTextLength); err != nil {
		return err
	}
	col := citingColumns[typ]
	c := model.Citation{SourceID: source, Excerpt: excerpt}
	res := tx.WithContext(ctx).Where("source_id = ? AND "+col+" = ?", source, subject).Limit(1).Find(&c)
	if res.Error != nil {
		return fmt.Errorf("cite: %w", res.Error)
	}
	c.Excerpt = excerpt
	switch typ {
	case model.TypePlatform:
		c.PlatformID = &subject
	case model.TypeSession:
		c.SessionID = &subject
	case model.TypeInitiative:
		c.InitiativeID = &subject
	default:
		c.StatementID = &subject
	}
	if err := tx.WithContext(ctx).Save(&c).Error; err != nil {
		return fmt.Errorf("cite: %w", err)
	}
	return nil
}
