import { firmwareRouteImage } from '../net/firmware-route';
import type { RequestHandler } from '../net/http-server';
import { latestBuild, sketchOfImage, suffixSha } from './images';
import type { Sketch } from './sketch';

/**
 * The sketches one device knows, by the SHA-256 in their images' suffix: the device boots the
 * sketch of the image it finds in flash. It learns them from what it was given (its app, its
 * modules, its OTA region), from the images its server's `firmwareRoute`s serve, and from the bytes
 * its servers sent it that end with a built image. Nothing is shared between devices, so the same
 * sketch (or two sketches with the same name and bytes) can run in any number of devices at once.
 */
export class SketchCatalog {
  private readonly known = new Map<string, Sketch>();

  constructor(private readonly routes: () => readonly RequestHandler[]) {}

  /** An image the device was given: if `buildModule` made it from a sketch, that sketch runs it here. */
  given(image: Uint8Array): void {
    const sketch = sketchOfImage(image);
    if (sketch) this.known.set(suffixSha(image)!, sketch);
  }

  /** Bytes a server sent the device: when they end with an image built from a sketch (all of it, or its last part), remember it. */
  served(bytes: Uint8Array): void {
    const sha = suffixSha(bytes);
    const build = sha === undefined ? undefined : latestBuild(sha);
    if (build && !this.known.has(sha!)) this.known.set(sha!, build.sketch);
  }

  /** The sketch whose image has this SHA-256: the device's own first, then its firmware routes', then the latest build of those bytes. */
  sketchFor(sha: string): Sketch | undefined {
    const own = this.known.get(sha);
    if (own) return own;
    for (const route of this.routes()) {
      const image = firmwareRouteImage(route);
      const sketch = image && sketchOfImage(image);
      if (sketch && suffixSha(image) === sha) return sketch;
    }
    return latestBuild(sha)?.sketch;
  }
}
