import { firmwareRouteImage } from '../net/firmware-route';
import type { RequestHandler } from '../net/http-server';
import { latestBuild, sketchOfImage, suffixSha } from './images';
import type { Sketch } from './sketch';

/** A catalog's knowledge at one moment. */
export interface SketchCatalogState {
  readonly given: ReadonlyMap<string, Sketch>;
  readonly served: ReadonlyMap<string, Sketch>;
}

/**
 * The sketches one device knows, by the SHA-256 in their images' suffix: the device boots the
 * sketch of the image it finds in flash. It learns them from what it was given (its app, its
 * modules, its OTA region), from the images its server's `firmwareRoute`s serve, and from the bytes
 * its servers sent it that end with a built image. Nothing is shared between devices, so the same
 * sketch (or two sketches with the same name and bytes) can run in any number of devices at once.
 */
export class SketchCatalog {
  /** Images the device was given: its app, its modules, its OTA region. */
  private readonly given = new Map<string, Sketch>();
  /** Images its servers sent it, as matched to the latest build of their bytes when they were sent. */
  private readonly served = new Map<string, Sketch>();

  constructor(private readonly routes: () => readonly RequestHandler[]) {}

  /** What this catalog knows, for a snapshot: a device restored from it boots the same sketches. */
  save(): SketchCatalogState {
    return { given: new Map(this.given), served: new Map(this.served) };
  }

  load(state: SketchCatalogState): void {
    for (const [sha, sketch] of state.given) this.given.set(sha, sketch);
    for (const [sha, sketch] of state.served) this.served.set(sha, sketch);
  }

  /** An image the device was given: if `buildModule` made it from a sketch, that sketch runs it here. */
  give(image: Uint8Array): void {
    const sketch = sketchOfImage(image);
    if (sketch) this.given.set(suffixSha(image)!, sketch);
  }

  /** Bytes a server sent the device: when they end with an image built from a sketch (all of it, or its last part), remember which. */
  receive(bytes: Uint8Array): void {
    const sha = suffixSha(bytes);
    if (sha === undefined || this.served.has(sha)) return;
    const sketch = this.fromRoutes(sha) ?? latestBuild(sha)?.sketch;
    if (sketch) this.served.set(sha, sketch);
  }

  /**
   * The sketch whose image has this SHA-256: one the device was given, one its firmware routes
   * serve, one its servers sent it, and last the latest build of those bytes in this process.
   */
  sketchFor(sha: string): Sketch | undefined {
    return this.given.get(sha) ?? this.fromRoutes(sha) ?? this.served.get(sha) ?? latestBuild(sha)?.sketch;
  }

  private fromRoutes(sha: string): Sketch | undefined {
    for (const route of this.routes()) {
      const image = firmwareRouteImage(route);
      const sketch = image && sketchOfImage(image);
      if (sketch && suffixSha(image) === sha) return sketch;
    }
    return undefined;
  }
}
