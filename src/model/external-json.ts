// The JSON other programs write that the tool reads, as zod schemas: qemu-img's info, measure and map output, fio's
// job report, and the tool's own small cache and lock files. Each keeps only the fields read; unknown fields pass.
import { z } from 'zod';

/** `qemu-img info --output=json`: the fields read (format-specific data stays as qemu-img wrote it). */
export const QemuImgInfoJsonSchema = z.looseObject({
  format: z.string(),
  'virtual-size': z.number(),
  'actual-size': z.number().optional(),
  'cluster-size': z.number().optional(),
  'dirty-flag': z.boolean().optional(),
  encrypted: z.boolean().optional(),
  'format-specific': z
    .looseObject({
      data: z
        .looseObject({
          'compression-type': z.string().optional(),
          encrypt: z.looseObject({ format: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** `qemu-img measure --output=json`: bytes a copy needs. */
export const QemuImgMeasureJsonSchema = z.looseObject({ required: z.number() });

/** `qemu-img map --output=json`: the extents of a file, each data or a hole. */
export const QemuImgMapJsonSchema = z.array(
  z.looseObject({ start: z.number(), length: z.number(), data: z.boolean().optional() }),
);

/** fio's `--output-format=json` report of one sync-latency job (clat percentiles in ns). */
export const FioJsonSchema = z.looseObject({
  jobs: z
    .array(
      z.looseObject({
        sync: z.looseObject({
          total_ios: z.number().optional(),
          lat_ns: z.looseObject({
            N: z.number().optional(),
            percentile: z.looseObject({ '50.000000': z.number(), '99.000000': z.number() }),
          }),
        }),
      }),
    )
    .min(1),
});

/** A kept content identity of an image file (~/.cache/qemu-cache-bench/content/SHA256.json). */
export const ContentIdJsonSchema = z.object({ id: z.string(), method: z.string() });

/** An owner record of a lock or work folder: JSON, or a bare PID as older versions wrote. */
export const OwnerJsonSchema = z.union([
  z.number(),
  z.looseObject({ pid: z.number(), startTime: z.number().nullable().optional(), host: z.string().optional() }),
]);

/** package.json's name and version. */
export const PackageJsonSchema = z.looseObject({ name: z.string(), version: z.string() });
