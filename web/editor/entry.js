// What the authors' page uses from CodeMirror 6, bundled into one ES module (see build.mjs).
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from "@codemirror/view";
export { EditorState, EditorSelection } from "@codemirror/state";
export { yaml } from "@codemirror/lang-yaml";
export { lintGutter, setDiagnostics, forEachDiagnostic } from "@codemirror/lint";
export { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
export {
  syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching, foldGutter,
  foldKeymap,
} from "@codemirror/language";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
