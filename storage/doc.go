// Package storage keeps appealbot's state in PostgreSQL (production) or in an
// embedded SQLite file (small installations), behind one Store type. It is
// the only package that speaks SQL: every query sits next to its scan, with
// an explicit column list, and comes back as domain types from package
// appeal.
//
// Queries are written once with '?' placeholders and rebound for the driver
// in use. Times are stored in UTC truncated to microseconds (PostgreSQL's
// precision); on SQLite they are fixed-width text so that text order is time
// order. The zero time, member 0 and an appeal's empty department are NULL.
//
// The schema lives in numbered files under migrations/<driver>/, embedded in
// the binary and applied in order by Migrate. A shipped migration is never
// edited: every change is a new file, written for both drivers with the same
// number.
package storage
