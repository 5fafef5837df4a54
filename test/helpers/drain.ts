// Reads every feature of a SourceReader and closes it: what reader tests need from any format.
import type { SourceFeature, SourceReader } from '../../src/importers/types.ts';

export async function drain(reader: SourceReader): Promise<{ reader: SourceReader; features: SourceFeature[] }> {
  const features: SourceFeature[] = [];
  try {
    for await (const f of reader.features()) features.push(f);
  } finally {
    await reader.close();
  }
  return { reader, features };
}
