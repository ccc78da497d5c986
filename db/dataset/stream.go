package dataset

// Reading a dataset file as a stream: its header (format, version), then its sections in
// order, one record at a time.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"diplomacy-timeline/model"
)

// run imports the dataset r: the object's opening, its members one by one — "format" and
// "version" first, then the sections in their order —, its end, and then the timeline
// entries and search documents of what it touched.
func (im *importer) run(r io.Reader) error {
	if err := im.preload(); err != nil {
		return err
	}
	im.dec = json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	if err := im.begin(); err != nil {
		return err
	}
	h := header{seen: map[string]bool{}}
	for im.dec.More() {
		if err := im.member(&h); err != nil {
			return err
		}
	}
	if err := im.end(); err != nil {
		return err
	}
	if err := h.complete(); err != nil {
		return err
	}
	return im.derive()
}

// top is the record of the dataset object itself, for the errors of its members.
var top = rec{section: "dataset", kind: "dataset"}

// invalid is an EINVALID error about the dataset object, or one of its members (field).
func invalid(field, format string, args ...any) error {
	return &model.Error{Code: model.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// header is what the import has read of the dataset object's members: whether its
// format and version, and which sections.
type header struct {
	format, version bool
	next            int // the index in DatasetSections of the first section that may still come
	seen            map[string]bool
}

// begin reads the opening of the dataset object.
func (im *importer) begin() error {
	tok, err := im.dec.Token()
	if err == io.EOF {
		return invalid("", "the file is empty: a dataset is a JSON object, with \"format\": %q", model.DatasetFormat)
	}
	if err != nil {
		return im.jsonError(err, top, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return invalid("", "a dataset is a JSON object, with \"format\": %q", model.DatasetFormat)
	}
	return nil
}

// member reads one member of the dataset object: its format, its version, or a section,
// which it imports.
func (im *importer) member(h *header) error {
	tok, err := im.dec.Token()
	if err != nil {
		return im.jsonError(err, top, "")
	}
	key, _ := tok.(string)
	switch key {
	case "format":
		if err := im.format(); err != nil {
			return err
		}
		h.format = true
	case "version":
		if err := im.version(); err != nil {
			return err
		}
		h.version = true
	default:
		if err := h.admit(key); err != nil {
			return err
		}
		return im.section(key)
	}
	return nil
}

// format reads the format of the dataset, which must be this program's.
func (im *importer) format() error {
	var format string
	if err := im.dec.Decode(&format); err != nil {
		return im.jsonError(err, top, "format")
	}
	if format != model.DatasetFormat {
		return invalid("format", "%q is not the format of a dataset of this program: want %q", truncate(format, 80), model.DatasetFormat)
	}
	return nil
}

// version reads the version of the format, which must be the one this program reads.
func (im *importer) version() error {
	var raw json.RawMessage
	if err := im.dec.Decode(&raw); err != nil {
		return im.jsonError(err, top, "version")
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return invalid("version", "must be a whole number, got %s", truncate(string(raw), 40))
	}
	if v != model.DatasetVersion {
		return invalid("version", "version %d is not supported: this program reads version %d of %s", v, model.DatasetVersion, model.DatasetFormat)
	}
	return nil
}

// admit checks that the member key is a section that may come now: after the format and
// the version, once, and in the order of DatasetSections.
func (h *header) admit(key string) error {
	k := slices.Index(model.DatasetSections, key)
	switch {
	case k < 0:
		return invalid(truncate(key, 80), "unknown member: a dataset has \"format\", \"version\" and the sections %s", strings.Join(model.DatasetSections, ", "))
	case !h.format || !h.version:
		return invalid(key, "\"format\" and \"version\" must come before the sections")
	case h.seen[key]:
		return invalid(key, "the section appears twice")
	case k < h.next:
		return invalid(key, "must come before %q: the sections of a dataset come in the order %s", model.DatasetSections[h.next-1], strings.Join(model.DatasetSections, ", "))
	}
	h.next, h.seen[key] = k+1, true
	return nil
}

// end reads the close of the dataset object, which must end the file.
func (im *importer) end() error {
	if _, err := im.dec.Token(); err != nil {
		return im.jsonError(err, top, "")
	}
	if _, err := im.dec.Token(); err != io.EOF {
		return invalid("", "unexpected data after the dataset's closing brace")
	}
	return nil
}

// complete checks that the dataset object had its format and its version.
func (h *header) complete() error {
	if !h.format {
		return invalid("format", "is required: %q", model.DatasetFormat)
	}
	if !h.version {
		return invalid("version", "is required: %d", model.DatasetVersion)
	}
	return nil
}
