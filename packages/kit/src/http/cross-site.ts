import type { Request, RequestHandler } from 'express';
import { SERVICES } from '@doitcrm/types';
import { ForbiddenError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Where our pages live: the two settings of the same names (config.ts), so a service passes its config. */
export interface OwnOriginSettings {
  /** hosts users open the pages on; every service port on each is ours */
  PUBLIC_HOSTS: readonly string[];
  /** further origins of our pages, e.g. a reverse proxy's https://crm.example.cn */
  PUBLIC_ORIGINS: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SERVICE_PORTS = new Set(SERVICES.map((service) => String(service.port)));

function originOf(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Whether `origin` (an Origin header) is one of the installation's own: listed, on a public host at a service port, the
 * request's own origin, or the host the request was sent to at another service port. The Host header names us (a page
 * cannot set it), so a port of that host is ours only when it is a service port: another program on the same machine
 * is same-site for the browser, and SameSite=Lax then sends it our cookie.
 */
export function createOwnOriginCheck(settings: OwnOriginSettings): (origin: string, req: Request) => boolean {
  const listed = new Set(settings.PUBLIC_ORIGINS.map((origin) => originOf(origin)?.origin));
  const publicHosts = new Set(settings.PUBLIC_HOSTS);
  return (origin, req) => {
    const url = originOf(origin);
    if (!url || url.origin !== origin.toLowerCase()) return false;
    if (listed.has(url.origin)) return true;
    if (req.host && url.origin === originOf(`${req.protocol}://${req.host}`)?.origin) return true;
    return SERVICE_PORTS.has(url.port) && (publicHosts.has(url.hostname) || url.hostname === req.hostname?.toLowerCase());
  };
}

function refusal(reason: string, field: 'Origin' | 'Sec-Fetch-Site'): ForbiddenError {
  return new ForbiddenError(`已拒绝跨站请求：${reason}`, [{ field, message: reason }]);
}

/**
 * Refuses state-changing requests a page of another site made the browser send (CSRF, login CSRF included). Every
 * service gets it from createApp. SameSite=Lax alone does not do this: every port of our host is the same site.
 *
 * A browser marks such a request itself, and page scripts can forge neither header: `Origin` on every POST, PUT,
 * PATCH and DELETE, and `Sec-Fetch-Site` (https://developer.mozilla.org/docs/Web/HTTP/Headers/Sec-Fetch-Site).
 * A write carrying neither comes from a program (curl, a script with a Bearer token or a copied cookie), not from a
 * page another site serves: our pages need ES2020 modules, and every browser that runs them sends Origin on all
 * POSTs. So such writes pass, with either credential, as in Go's net/http CrossOriginProtection
 * (https://pkg.go.dev/net/http#CrossOriginProtection); refusing them would protect no browser user.
 */
export function refuseCrossSiteWrites(settings: OwnOriginSettings, logger: Logger): RequestHandler {
  const isOwn = createOwnOriginCheck(settings);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    let error: ForbiddenError | null = null;
    if (origin !== undefined && !isOwn(origin, req)) {
      error = refusal(`来源 ${origin} 不是本系统的地址（如确属本系统，请管理员把它加入 PUBLIC_ORIGINS）`, 'Origin');
    } else if (site !== undefined && site !== 'same-origin' && site !== 'none' && !(site === 'same-site' && origin !== undefined)) {
      // same-site passes only with an Origin checked above: another port of our host may be another program
      error = refusal(`浏览器标明这是来自其他网站的请求 (Sec-Fetch-Site: ${site})`, 'Sec-Fetch-Site');
    }
    if (error) {
      logger.warn({ method: req.method, path: req.originalUrl, origin, secFetchSite: site }, 'cross-site write refused');
    }
    next(error ?? undefined);
  };
}
