'use client';

import type { PhotoInfo } from '../../../server/protocol/dispatch';
import { useDT } from '../strings';

/** The case's photos (report and 处置反馈), served by the server only to roles that may see the case. */
export default function PhotoStrip({ photos }: { photos: readonly PhotoInfo[] }) {
  const dt = useDT();
  return (
    <div className="case-box photo-box" data-testid="photos">
      <h3 className="box-title">
        {dt.d('photos')} {photos.length > 0 ? <span className="box-count">{photos.length}</span> : null}
      </h3>
      {photos.length === 0 ? (
        <p className="muted">{dt.d('noPhotos')}</p>
      ) : (
        <ul className="photo-list">
          {photos.map((p, i) => (
            <li key={p.id}>
              <a href={`/api/photos/${p.id}`} target="_blank" rel="noreferrer">
                <img src={`/api/photos/${p.id}`} alt={dt.d('photoAlt', { n: i + 1 })} width={p.width} height={p.height} loading="lazy" />
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
