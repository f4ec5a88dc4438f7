;;; emacs_test.el --- drives eglot and ftls in `emacs --batch'  -*- lexical-binding: t -*-

;; Loaded after the emacs-eglot snippet of docs/editors.md, from a folder
;; holding flawed.jsonl, bad.plan.yaml and the .dir-locals.el snippet.
;; Exits 0 when every check passes, 1 (with a FAIL line) otherwise.

(require 'cl-lib)
(require 'flymake)

(defun ftls-test-fail (fmt &rest args)
  (message "FAIL: %s" (apply #'format fmt args))
  (kill-emacs 1))

(defun ftls-test-ok (fmt &rest args)
  (message "ok: %s" (apply #'format fmt args)))

(defun ftls-test-has (code texts)
  (cl-some (lambda (s) (string-search code s)) texts))

(defun ftls-test-diagnostics (want &optional unwanted)
  "Wait until the current buffer's Flymake diagnostics mention WANT and
none of UNWANTED (settings pulled from the client may apply after the
first check), or 15 seconds; return them."
  (with-timeout (15 nil)
    (while (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
             (or (not (ftls-test-has want texts))
                 (cl-some (lambda (u) (ftls-test-has u texts)) unwanted)))
      (accept-process-output nil 0.05)))
  (flymake-diagnostics))

(defun ftls-test-open (file mode)
  "Visit FILE, check its major mode is MODE and start eglot as an editing
session would: the snippet's hook queued `eglot-ensure' to run after the
command, so run `post-command-hook'."
  (find-file (expand-file-name file))
  (unless (eq major-mode mode)
    (ftls-test-fail "%s opens in %s, want %s" file major-mode mode))
  (run-hooks 'post-command-hook)
  ;; Flymake defers its first check to the command loop, which batch mode
  ;; does not run.
  (when (and (bound-and-true-p flymake-mode) (null (flymake-running-backends)))
    (flymake-start))
  (let ((server (eglot-current-server)))
    (unless server
      (ftls-test-fail "no eglot server for %s" file))
    (let ((cmd (process-command (jsonrpc--process server))))
      (unless (equal cmd '("ftls" "serve"))
        (ftls-test-fail "eglot runs %S for %s, want (\"ftls\" \"serve\")" cmd file)))
    server))

(with-timeout (40 (ftls-test-fail "timed out"))
  ;; The dataset.
  (let* ((server (ftls-test-open "flawed.jsonl" 'jsonl-mode))
         (diags (ftls-test-diagnostics "[C005]" '("[C008]" "[C018]" "[Q008]")))
         (texts (mapcar #'flymake-diagnostic-text diags))
         (c005 (cl-find-if (lambda (d) (string-search "[C005]" (flymake-diagnostic-text d)))
                           (sort (copy-sequence diags)
                                 (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))
    (unless c005
      (ftls-test-fail "no [C005] diagnostic on flawed.jsonl; got %S" texts))
    (ftls-test-ok "eglot starts (\"ftls\" \"serve\") for flawed.jsonl in jsonl-mode; Flymake shows %d diagnostics"
                  (length diags))
    ;; `ftls check' puts the first C005 at 1:136 (UTF-16 columns).
    (save-excursion
      (goto-char (flymake-diagnostic-beg c005))
      (unless (and (= (line-number-at-pos) 1) (= (current-column) 135))
        (ftls-test-fail "first C005 at %d:%d, want 1:136"
                        (line-number-at-pos) (1+ (current-column)))))
    (ftls-test-ok "first [C005] at line 1, column 136, as `ftls check' prints it")
    ;; The .dir-locals.el settings: target generic drops C008 and C018,
    ;; Q008 is off.
    (dolist (code '("[C008]" "[C018]" "[Q008]"))
      (when (ftls-test-has code texts)
        (ftls-test-fail "%s present although .dir-locals.el sets target generic and Q008 off" code)))
    (ftls-test-ok ".dir-locals.el settings reach the server (no C008, C018, Q008)")

    ;; The plan, through the same server.
    (let ((plan-server (ftls-test-open "bad.plan.yaml" 'ftls-plan-mode)))
      (unless (eq plan-server server)
        (ftls-test-fail "bad.plan.yaml got a second server"))
      (let ((texts (mapcar #'flymake-diagnostic-text (ftls-test-diagnostics "[P001]"))))
        (unless (ftls-test-has "[P001]" texts)
          (ftls-test-fail "no [P001] diagnostic on bad.plan.yaml; got %S" texts))))
    (ftls-test-ok "bad.plan.yaml opens in ftls-plan-mode, same server, [P001] shown")
    (eglot-shutdown server)))

(kill-emacs 0)
