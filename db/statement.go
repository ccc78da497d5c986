package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// StatementsByIDs returns the statements with the keys, by key.
func (s *Store) StatementsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Statement, error) {
	rows, err := whereIn[model.Statement](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Statement) int64 { return x.ID }), err
}

// StatementsBySession returns the statements made at each session, in date order.
func (s *Store) StatementsBySession(ctx context.Context, ids []int64) (map[int64][]*model.Statement, error) {
	rows, err := whereIn[model.Statement](ctx, s.gdb, "session_id", ids, "stated_on, id")
	return GroupBy(rows, func(x *model.Statement) int64 { return *x.SessionID }), err
}

// StatementsByOfficial returns the statements of each official, in date order.
func (s *Store) StatementsByOfficial(ctx context.Context, ids []int64) (map[int64][]*model.Statement, error) {
	rows, err := whereIn[model.Statement](ctx, s.gdb, "official_id", ids, "stated_on, id")
	return GroupBy(rows, func(x *model.Statement) int64 { return x.OfficialID }), err
}

// Statements returns a page of statements.
func (s *Store) Statements(ctx context.Context, f *model.StatementFilter, order *model.StatementOrder, p Page) (*Conn[model.Statement], error) {
	if f == nil {
		f = &model.StatementFilter{}
	}
	key := sortKey[model.Statement]{expr: "statements.stated_on", value: func(x *model.Statement) any { return x.Date.Key() }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
	}
	return paginate(ctx, s.gdb, "statements.id", func(x *model.Statement) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Officials != nil {
			q = q.Where("statements.official_id IN (SELECT id FROM officials WHERE slug IN ?)", f.Officials)
		}
		if f.Sessions != nil {
			q = q.Where("statements.session_id IN (SELECT id FROM sessions WHERE slug IN ?)", f.Sessions)
		}
		if f.From != nil {
			q = q.Where(lastKeySQL("statements.stated_on")+" >= ?", f.From.Key())
		}
		if f.To != nil {
			q = q.Where("statements.stated_on <= ?", f.To.LastKey())
		}
		return q
	})
}

// CreateStatement creates a statement.
func (s *Store) CreateStatement(ctx context.Context, in model.StatementInput) (*model.Statement, error) {
	x := &model.Statement{OfficialID: in.OfficialID, SessionID: in.SessionID, Date: in.Date, Text: in.Text}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := ref(ctx, tx, "official", model.TypeOfficial, in.OfficialID); err != nil {
			return err
		}
		if err := optRef(ctx, tx, "session", model.TypeSession, in.SessionID); err != nil {
			return err
		}
		if err := saveStatement(ctx, tx, x); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeStatement, x.ID})
	})
	return x, err
}

// UpdateStatement changes the fields of the statement that the patch sets.
func (s *Store) UpdateStatement(ctx context.Context, id int64, patch model.StatementPatch) (*model.Statement, error) {
	var x *model.Statement
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Statement](ctx, tx, "id", model.TypeStatement, id); err != nil {
			return err
		}
		if err := setRequired("date", patch.Date, &x.Date); err != nil {
			return err
		}
		if err := setRequired("text", patch.Text, &x.Text); err != nil {
			return err
		}
		if p := patch.OfficialID; p.Set {
			if p.Value == nil {
				return model.FieldErrorf("official", "cannot be null")
			}
			if err := ref(ctx, tx, "official", model.TypeOfficial, *p.Value); err != nil {
				return err
			}
			x.OfficialID = *p.Value
		}
		if p := patch.SessionID; p.Set {
			if err := optRef(ctx, tx, "session", model.TypeSession, p.Value); err != nil {
				return err
			}
			x.SessionID = p.Value
		}
		if err := saveStatement(ctx, tx, x); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeStatement, x.ID})
	})
	return x, err
}

func saveStatement(ctx context.Context, tx *gorm.DB, x *model.Statement) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeStatement, x.ID, x); err != nil {
		return fmt.Errorf("save statement: %w", err)
	}
	return nil
}

// DeleteStatement deletes a statement with its citations.
func (s *Store) DeleteStatement(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error { return deleteCiting(ctx, tx, model.TypeStatement, id) })
}
