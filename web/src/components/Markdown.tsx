// An assistant reply as markdown (GFM: lists, emphasis, tables, code).
// react-markdown builds React elements, never HTML strings, and renders no
// raw HTML; its URL rule drops `javascript:` and other unsafe links.
import { useState, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

function textOfNode(node: HastNode | undefined): string {
  if (node === undefined) return '';
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(textOfNode).join('');
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => {
            setCopied(false);
          }, 2000);
        });
      }}
    >
      {copied ? 'Copied' : 'Copy code'}
    </button>
  );
}

function CodeBlock({ node, children }: ComponentProps<'pre'> & { node?: HastNode | undefined }) {
  const code = textOfNode(node).replace(/\n$/, '');
  return (
    <div className="code-block">
      <CopyButton text={code} />
      <pre tabIndex={0}>{children}</pre>
    </div>
  );
}

function SafeLink({ href, children }: { href?: string | undefined; children?: ReactNode }) {
  // An unsafe URL arrives here emptied; it stays plain text rather than a dead link.
  if (href === undefined || href === '') return <span className="unsafe-link">{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

function Table({ children }: { children?: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Table">
      <table>{children}</table>
    </div>
  );
}

const components: Components = {
  a: ({ href, children }) => <SafeLink href={href}>{children}</SafeLink>,
  pre: ({ node, children }) => <CodeBlock node={node}>{children}</CodeBlock>,
  table: ({ children }) => <Table>{children}</Table>,
};

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  );
}
