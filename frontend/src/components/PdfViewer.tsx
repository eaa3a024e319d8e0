/**
 * The archive PDF on screen with pdf.js (loaded only here, worker and character maps
 * served by Kiroku itself — no network beyond our own server). Pages render when they
 * come into view; the query terms are marked on each page's text layer.
 */
import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useLang } from '../context';
import { findMatches } from '../lib/textMatch';
import { Spinner } from './ui';
import './pdf-viewer.css';

export interface PdfHit {
  index: number;
  page: number;
  term: string;
  context: string;
}

interface Props {
  url: string;
  terms: string[];
  activeHit: number | null;
  onHits: (hits: PdfHit[]) => void;
  onError: (error: unknown) => void;
}

type PdfJs = typeof import('pdfjs-dist');

interface PageSize {
  width: number;
  height: number;
}

export default function PdfViewer({ url, terms, activeHit, onHits, onError }: Props) {
  const { t } = useLang();
  const [pdf, setPdf] = useState<{ lib: PdfJs; doc: PDFDocumentProxy; sizes: PageSize[] } | null>(null);
  const [hitsByPage, setHitsByPage] = useState<number[]>([]); // first global hit index of each page
  const [zoom, setZoom] = useState(1);
  const [width, setWidth] = useState(800);
  const [currentPage, setCurrentPage] = useState(1);
  const scroller = useRef<HTMLDivElement>(null);
  const termsKey = terms.join('\u0000');
  const callbacks = useRef({ onHits, onError });
  callbacks.current = { onHits, onError };

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(280, Math.floor(entry.contentRect.width) - 32)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let cancelled = false;
    let loaded: PDFDocumentProxy | null = null;
    (async () => {
      const lib = await import('pdfjs-dist');
      lib.GlobalWorkerOptions.workerSrc = workerUrl;
      const task = lib.getDocument({
        url,
        cMapUrl: '/pdfjs/cmaps/',
        cMapPacked: true,
        standardFontDataUrl: '/pdfjs/standard_fonts/',
        wasmUrl: '/pdfjs/wasm/',
        isEvalSupported: false,
        withCredentials: true,
      });
      const doc = await task.promise;
      loaded = doc;
      if (cancelled) return;
      const sizes: PageSize[] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const viewport = (await doc.getPage(n)).getViewport({ scale: 1 });
        sizes.push({ width: viewport.width, height: viewport.height });
      }
      if (cancelled) return;
      setPdf({ lib, doc, sizes });
    })().catch((error) => {
      if (!cancelled) callbacks.current.onError(error);
    });
    return () => {
      cancelled = true;
      loaded?.destroy();
    };
  }, [url]);

  // Find every occurrence of the terms in the whole document (text content only, no rendering).
  useEffect(() => {
    if (!pdf) return;
    let cancelled = false;
    (async () => {
      const hits: PdfHit[] = [];
      const firsts: number[] = [];
      if (terms.length) {
        for (let n = 1; n <= pdf.doc.numPages; n++) {
          const content = await (await pdf.doc.getPage(n)).getTextContent();
          const items = content.items.filter((item) => 'str' in item).map((item) => (item as { str: string }).str);
          firsts.push(hits.length);
          for (const match of findMatches(items, terms)) {
            hits.push({ index: hits.length, page: n, term: match.term, context: match.context });
          }
        }
      }
      if (!cancelled) {
        setHitsByPage(firsts);
        callbacks.current.onHits(hits);
      }
    })().catch(() => {
      if (!cancelled) callbacks.current.onHits([]);
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pdf, termsKey]);

  // Jump to a hit: bring its page into view; the page scrolls the mark into view once drawn.
  useEffect(() => {
    if (activeHit === null || !scroller.current) return;
    const mark = scroller.current.querySelector<HTMLElement>(`mark[data-hit="${activeHit}"]`);
    scroller.current.querySelectorAll('mark.is-active').forEach((m) => m.classList.remove('is-active'));
    if (mark) {
      scroller.current.querySelectorAll(`mark[data-hit="${activeHit}"]`).forEach((m) => m.classList.add('is-active'));
      scrollWithin(scroller.current, mark, true);
    } else {
      const page = scroller.current.querySelector<HTMLElement>(`[data-page="${pageOfHit(hitsByPage, activeHit)}"]`);
      if (page) scroller.current.scrollTo({ top: page.offsetTop - 16 });
    }
  }, [activeHit, hitsByPage]);

  if (!pdf) {
    return (
      <div className="pdf-viewer pdf-viewer--loading" ref={scroller}>
        <Spinner label={t('doc.loadingPdf')} />
      </div>
    );
  }
  const baseScale = pdf.sizes.length ? width / Math.max(...pdf.sizes.map((s) => s.width)) : 1;
  const scale = Math.min(4, Math.max(0.25, baseScale * zoom));
  return (
    <div className="pdf-viewer">
      <div className="pdf-toolbar" role="toolbar" aria-label={t('doc.viewer')}>
        <span className="pdf-toolbar__pages" aria-live="polite">
          {t('doc.pageLabel', { n: currentPage, total: pdf.doc.numPages })}
        </span>
        <span className="pdf-toolbar__spacer" />
        <button type="button" className="button button--small" onClick={() => setZoom((z) => Math.max(0.5, z / 1.25))} aria-label={t('doc.zoomOut')} disabled={zoom <= 0.5}>
          −
        </button>
        <span className="pdf-toolbar__zoom">{Math.round(zoom * 100)}%</span>
        <button type="button" className="button button--small" onClick={() => setZoom((z) => Math.min(4, z * 1.25))} aria-label={t('doc.zoomIn')} disabled={zoom >= 4}>
          +
        </button>
      </div>
      <div className="pdf-pages" ref={scroller} tabIndex={0} aria-label={t('doc.viewer')}>
        {pdf.sizes.map((size, i) => (
          <PdfPage
            key={`${i}-${scale}`}
            lib={pdf.lib}
            doc={pdf.doc}
            number={i + 1}
            size={size}
            scale={scale}
            terms={terms}
            firstHit={hitsByPage[i] ?? 0}
            activeHit={activeHit}
            onVisible={setCurrentPage}
          />
        ))}
      </div>
    </div>
  );
}

/** Centre an element in the viewer's own scroll area (the window itself does not move). */
function scrollWithin(container: HTMLElement, element: HTMLElement, smooth: boolean) {
  const outer = container.getBoundingClientRect();
  const inner = element.getBoundingClientRect();
  const reduce = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  container.scrollTo({
    top: container.scrollTop + inner.top - outer.top - outer.height / 2 + inner.height / 2,
    left: container.scrollLeft + inner.left - outer.left - outer.width / 2 + inner.width / 2,
    behavior: smooth && !reduce ? 'smooth' : 'auto',
  });
}

function pageOfHit(firsts: number[], hit: number): number {
  let page = 1;
  firsts.forEach((first, i) => {
    if (hit >= first) page = i + 1;
  });
  return page;
}

function PdfPage({
  lib,
  doc,
  number,
  size,
  scale,
  terms,
  firstHit,
  activeHit,
  onVisible,
}: {
  lib: PdfJs;
  doc: PDFDocumentProxy;
  number: number;
  size: PageSize;
  scale: number;
  terms: string[];
  firstHit: number;
  activeHit: number | null;
  onVisible: (page: number) => void;
}) {
  const { t } = useLang();
  const box = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [drawn, setDrawn] = useState(false);
  const termsKey = terms.join('\u0000');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) setVisible(true);
          if (entry.intersectionRatio > 0.5) onVisible(number);
        }
      },
      { rootMargin: '600px 0px', threshold: [0, 0.5] },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [number, onVisible]);

  useEffect(() => {
    if (!visible) return;
    let cancelled = false;
    let renderTask: { cancel: () => void; promise: Promise<void> } | null = null;
    let textLayer: InstanceType<PdfJs['TextLayer']> | null = null;
    (async () => {
      const page = await doc.getPage(number);
      if (cancelled || !canvasRef.current || !textRef.current) return;
      const viewport = page.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = canvasRef.current;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      const context = canvas.getContext('2d')!;
      renderTask = page.render({
        canvas,
        canvasContext: context,
        viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
      });
      await renderTask.promise;
      if (cancelled) return;
      const container = textRef.current;
      container.replaceChildren();
      textLayer = new lib.TextLayer({ textContentSource: await page.getTextContent(), container, viewport });
      await textLayer.render();
      if (cancelled) return;
      markTerms(textLayer.textDivs, textLayer.textContentItemsStr, terms, firstHit);
      setDrawn(true);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visible, doc, number, scale, termsKey, firstHit, lib]);

  // The active hit on this page, once the page is drawn.
  useEffect(() => {
    if (!drawn || activeHit === null || !box.current) return;
    const marks = box.current.querySelectorAll<HTMLElement>(`mark[data-hit="${activeHit}"]`);
    if (!marks.length) return;
    box.current.closest('.pdf-pages')?.querySelectorAll('mark.is-active').forEach((m) => m.classList.remove('is-active'));
    marks.forEach((m) => m.classList.add('is-active'));
    const pages = box.current.closest<HTMLElement>('.pdf-pages');
    if (pages) scrollWithin(pages, marks[0], false);
  }, [drawn, activeHit]);

  return (
    <div
      ref={box}
      className="pdf-page"
      data-page={number}
      data-drawn={drawn ? 'true' : undefined}
      style={{ width: size.width * scale, height: size.height * scale, ['--total-scale-factor' as string]: scale, ['--scale-factor' as string]: scale }}
      aria-label={t('doc.pageN', { n: number })}
      role="group"
    >
      <canvas ref={canvasRef} style={{ width: size.width * scale, height: size.height * scale }} aria-hidden="true" />
      <div ref={textRef} className="textLayer" />
      {!drawn && (
        <span className="pdf-page__placeholder">
          <Spinner inline label={t('doc.pageN', { n: number })} />
        </span>
      )}
    </div>
  );
}

/** Wrap each occurrence of the terms in <mark data-hit="n"> inside the text layer spans. */
function markTerms(divs: HTMLElement[], strings: string[], terms: string[], firstHit: number) {
  if (!terms.length) return;
  const matches = findMatches(strings, terms);
  const perDiv = new Map<number, { start: number; end: number; hit: number }[]>();
  matches.forEach((match, k) => {
    for (const range of match.ranges) {
      const list = perDiv.get(range.item) ?? [];
      list.push({ start: range.start, end: range.end, hit: firstHit + k });
      perDiv.set(range.item, list);
    }
  });
  for (const [item, ranges] of perDiv) {
    const div = divs[item];
    const text = strings[item];
    if (!div || text === undefined) continue;
    ranges.sort((a, b) => a.start - b.start);
    const nodes: Node[] = [];
    let position = 0;
    for (const { start, end, hit } of ranges) {
      if (start > position) nodes.push(document.createTextNode(text.slice(position, start)));
      const mark = document.createElement('mark');
      mark.className = 'pdf-hit';
      mark.dataset.hit = String(hit);
      mark.textContent = text.slice(start, end);
      nodes.push(mark);
      position = end;
    }
    if (position < text.length) nodes.push(document.createTextNode(text.slice(position)));
    div.replaceChildren(...nodes);
  }
}
