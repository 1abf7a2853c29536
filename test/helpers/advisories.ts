// Advisory contents for tests, one per CSAF profile Sanad writes, each complete enough to publish.
import path from 'node:path';
import fs from 'node:fs';
import type { AdvisoryCategory, AdvisoryContent } from '../../src/domain/csaf/advisory.ts';

/** Third-party CSAF documents (see /work/shared/testdata/SOURCES.md); tests skip when absent. */
export const CSAF_TESTDATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'csaf20');

export function csafTestdata(...parts: string[]): string | undefined {
  const file = path.join(CSAF_TESTDATA, ...parts);
  return fs.existsSync(file) ? file : undefined;
}

export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

const productTree: AdvisoryContent['productTree'] = [
  {
    vendor: 'Example Networks',
    products: [
      {
        name: 'EdgeGate VPN',
        versions: [
          { version: '4.1.2', productId: 'EGV-4.1.2', cpe: 'cpe:2.3:a:example-networks:edgegate_vpn:4.1.2:*:*:*:*:*:*:*' },
          { version: '4.1.3', productId: 'EGV-4.1.3', purl: 'pkg:generic/example-networks/edgegate-vpn@4.1.3' },
        ],
      },
    ],
  },
];

const description = { category: 'description' as const, title: 'Description', text: 'A crafted request to the portal lets an unauthenticated attacker run commands.' };

export const SAMPLE_CONTENT: Record<AdvisoryCategory, AdvisoryContent> = {
  csaf_base: {
    notes: [{ category: 'summary', text: 'Phishing campaign against banks in the region; indicators shared separately.' }],
    references: [{ category: 'external', summary: 'Consortium bulletin', url: 'https://cert.example.org/bulletins/2026-04' }],
    acknowledgments: [{ organization: 'Member CERTs', summary: 'shared the samples' }],
    productTree: [],
    vulnerabilities: [],
  },
  csaf_security_advisory: {
    notes: [{ category: 'summary', text: 'Remote code execution in EdgeGate VPN; update to 4.1.3.' }],
    references: [{ category: 'external', summary: 'Vendor notice', url: 'https://vendor.example.com/psirt/egv-2026-01' }],
    acknowledgments: [{ names: ['A. Researcher'], organization: 'National CERT', summary: 'reported the vulnerability' }],
    productTree,
    vulnerabilities: [
      {
        cve: 'cve-2026-10001',
        title: 'Command injection in the portal',
        notes: [description],
        productStatus: { knownAffected: ['EGV-4.1.2'], fixed: ['EGV-4.1.3'] },
        scores: [{ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, products: ['EGV-4.1.2'] }],
        remediations: [{ category: 'vendor_fix', details: 'Update to 4.1.3.', productIds: ['EGV-4.1.2'], url: 'https://vendor.example.com/downloads' }],
        threats: [{ category: 'exploit_status', details: 'Exploited in the wild since March 2026.' }],
      },
    ],
  },
  csaf_vex: {
    notes: [{ category: 'summary', text: 'EdgeGate VPN status for CVE-2026-10002 in the bundled library.' }],
    references: [],
    acknowledgments: [],
    productTree,
    vulnerabilities: [
      {
        cve: 'CVE-2026-10002',
        notes: [{ category: 'description', text: 'Deserialisation flaw in a bundled logging library.' }],
        productStatus: { knownAffected: ['EGV-4.1.2'], knownNotAffected: ['EGV-4.1.3'] },
        remediations: [{ category: 'vendor_fix', details: 'Update to 4.1.3, which removed the library.', productIds: ['EGV-4.1.2'] }],
        flags: [{ label: 'component_not_present', productIds: ['EGV-4.1.3'] }],
      },
    ],
  },
};
