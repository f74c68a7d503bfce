// Package routing suggests the department for an appeal that arrives without one, and
// finds appeals that repeat or resemble each other.
//
// # Department suggestions
//
// A Model is trained on appeals labelled with the department that finally answered
// them without returning them (Train), and suggests departments for a new appeal, each
// with a calibrated confidence (Model.Predict). Text is read as character n-grams
// (1 to 3 characters by default), so no word-segmentation dictionary is needed: in
// Chinese a 2-gram is most often a word or a piece of one. The vector of an appeal is
// TF-IDF with sublinear term frequency, the title and body together in one block and
// the title again in a block of its own (titles name the matter in few words),
// optional category and location blocks, each L2-normalised. The classifier is a
// one-vs-rest linear SVM (LIBLINEAR's dual coordinate descent) with balanced class
// weights, combined with complement naive Bayes; a softmax over both models' scores,
// with a scale per model and a bias per department, is fitted on scores of appeals
// held out in internal cross-validation. Its confidences therefore mean what they say
// on unseen appeals, which is what lets dispatch set a threshold for automatic
// assignment. The combination is itself linear, so the stored model is one weight
// matrix and a prediction is one sparse product.
//
// Training is deterministic for a seed (Options.Seed), whatever the number of
// workers. A model is encoded with Model.Marshal into a versioned, checksummed binary
// that Unmarshal reads, so that several instances can load one model from a database.
//
// # Similar appeals
//
// Similarity compares the character-bigram sets of two appeals' titles and texts;
// Index finds the open appeals that a new one nearly repeats (DuplicateThreshold), and
// Clusters groups a period's appeals into hot spots (HotSpotThreshold). BENCHMARKS.md
// shows how both thresholds were read off measured distributions.
package routing
