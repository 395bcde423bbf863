// The frame of the public CameraConnect pages: the program's name, a skip link, and the page in its language
// (the html element's lang follows the language the strings are actually in).
import { useEffect, type ReactNode } from 'react';
import type { Strings } from './strings';
import './Connect.css';

export function PublicPage({ t, lang, title, children }: { t: Strings; lang: string; title: string; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <div className="public">
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="public-header">
        <a className="public-brand" href="/connect">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          <span>
            <span className="brand-name">{t.brand}</span>
            <span className="brand-sub">{t.brandSub}</span>
          </span>
        </a>
      </header>
      <main id="main" className="public-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
