export declare const ROOT: string;
export declare function toSimplified(text: string): string;
export declare function trackedTextFiles(root?: string): string[];
export declare function findTraditional(root?: string): { file: string; line: number; text: string; simplified: string }[];
