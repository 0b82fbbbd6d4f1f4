'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { MAX_PHOTOS, PHOTO_MEDIA_TYPES, type OutboxPhoto } from '../outbox';
import { newUuid } from '../ids';
import { preparePhoto } from '../photo-prep';
import { useReportT } from '../report-i18n';

export type PickedPhoto = OutboxPhoto & { url: string };

export function toOutboxPhotos(photos: readonly PickedPhoto[]): OutboxPhoto[] {
  return photos.map(({ url: _url, ...photo }) => photo);
}

/**
 * Up to MAX_PHOTOS pictures from the camera or the gallery (the OS offers both),
 * checked by content and shrunk when large (photo-prep.ts), shown as thumbnails
 * that can be removed. The parent owns the list; preview URLs are revoked here.
 */
export default function PhotoPicker({ photos, onChange, testId }: { photos: PickedPhoto[]; onChange: (photos: PickedPhoto[]) => void; testId: string }) {
  const rt = useReportT();
  const inputId = useId();
  const hintId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const urls = useRef(new Set<string>());

  useEffect(() => {
    const owned = urls.current;
    return () => {
      for (const url of owned) URL.revokeObjectURL(url);
      owned.clear();
    };
  }, []);

  const add = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setProblem(null);
    setBusy(true);
    const next = [...photos];
    let issue: string | null = null;
    for (const file of [...files]) {
      if (next.length >= MAX_PHOTOS) {
        issue = rt.t('photoLimit');
        break;
      }
      const prepared = await preparePhoto(file);
      if (!prepared.ok) {
        issue = rt.t(prepared.problem === 'type' ? 'photoType' : 'photoSize');
        continue;
      }
      const url = URL.createObjectURL(prepared.blob);
      urls.current.add(url);
      next.push({ key: newUuid(), blob: prepared.blob, mediaType: prepared.mediaType, uploadedId: null, url });
    }
    setBusy(false);
    setProblem(issue);
    onChange(next);
  };

  const remove = (key: string) => {
    const photo = photos.find((p) => p.key === key);
    if (photo) {
      URL.revokeObjectURL(photo.url);
      urls.current.delete(photo.url);
    }
    onChange(photos.filter((p) => p.key !== key));
  };

  return (
    <div className="report-photos" data-testid={testId}>
      <ul className="report-thumbs">
        {photos.map((photo, index) => (
          <li key={photo.key} className="report-thumb">
            <img src={photo.url} alt={`${rt.t('photos')} ${index + 1}`} />
            <button type="button" className="report-thumb-remove" onClick={() => remove(photo.key)} aria-label={rt.t('removePhoto', { n: index + 1 })}>
              ×
            </button>
          </li>
        ))}
        {photos.length < MAX_PHOTOS ? (
          <li className="report-thumb add">
            <label htmlFor={inputId} className="report-thumb-add" aria-busy={busy}>
              <span aria-hidden="true">＋</span>
              <span>{rt.t('addPhoto')}</span>
            </label>
            <input
              id={inputId}
              className="report-file"
              type="file"
              accept={PHOTO_MEDIA_TYPES.join(',')}
              multiple
              aria-describedby={hintId}
              onChange={(event) => {
                const input = event.currentTarget;
                void add(input.files).finally(() => {
                  input.value = '';
                });
              }}
            />
          </li>
        ) : null}
      </ul>
      <p id={hintId} className="report-hint">
        {rt.t('photosHint')}
      </p>
      {problem ? (
        <p className="report-error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
