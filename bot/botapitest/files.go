package botapitest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// addFileLocked keeps data as a file users sent and returns it. size is
// the file_size to tell (0: len(data)). Call with s.mu held.
func (s *Server) addFileLocked(data []byte, size int, ext string) *file {
	n := len(s.files) + 1
	f := &file{id: fmt.Sprintf("file-%d", n), uniqueID: fmt.Sprintf("uniq%d", n),
		path: fmt.Sprintf("photos/file_%d%s", n, ext), data: data, size: size}
	if f.size == 0 {
		f.size = len(data)
	}
	s.files[f.id] = f
	return f
}

// getFile answers getFile as Telegram does for files up to 20 MB: the
// file's size and the path to download it from.
func (s *Server) getFile(_ context.Context, p params) (any, *apiError) {
	id := p.str("file_id")
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID, "file_size": f.size, "file_path": f.path}, nil
}

// serveFile serves /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != Token {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.calls["file"]++
	var found *file
	for _, f := range s.files {
		if f.path == path {
			found = f
		}
	}
	down := s.down
	s.mu.Unlock()
	if down {
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return
	}
	if found == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(found.data)))
	_, _ = w.Write(found.data)
}
